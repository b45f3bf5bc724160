"""Staff pages about deliveries to connected systems: failed ones, and resending them."""
