from siu.cli.convert import main

main()
