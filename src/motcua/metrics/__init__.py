"""The service index of QĐ 766/QĐ-TTg: rules as versioned data, pure scoring, later counting and reports."""
