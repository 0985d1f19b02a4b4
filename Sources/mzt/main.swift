import MarianneCLI

MZT.main()
