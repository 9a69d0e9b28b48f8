"""One module per command: the work behind each CLI verb, imported only when that verb runs."""
