"""Staff pages for records: inbox, counter intake, the record page and its actions, search."""
