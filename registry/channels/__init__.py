"""The channel record, below the proposals that create and change channels."""
