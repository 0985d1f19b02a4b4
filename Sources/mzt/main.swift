import MarianneCLI

await runMZT()
