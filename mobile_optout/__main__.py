from mobile_optout.cli import main

main()
