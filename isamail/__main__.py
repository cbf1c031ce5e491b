from isamail.cli import main

main()
