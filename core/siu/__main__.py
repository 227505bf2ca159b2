from siu.cli import main

main()
