"""Online service hall (网上办事大厅, seed §5.1): what applicants and agents do."""
