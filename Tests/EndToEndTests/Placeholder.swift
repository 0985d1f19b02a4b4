// End-to-end tests start a real conductor on a temporary MZT_HOME; they arrive with the conductor.
