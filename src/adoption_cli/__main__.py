from adoption_cli.cli.app import main

main()
