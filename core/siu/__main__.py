from siu.cli.entry import main

main()
