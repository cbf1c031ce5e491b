from isamail.console import main

main()
