from rosa_cli.cli.main import main

main()
