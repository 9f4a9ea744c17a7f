"""`python -m wuxing …`: one module per command group."""
