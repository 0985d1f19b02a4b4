import MarianneCLI

mainMZT()
