"""The index dashboard (QĐ 766) for staff: province, unit and metric pages at /can-bo/chi-so/."""
