"""Reports built from records: the inspection report (kiểm tra CCHC) and the periodic report
Biểu 07a/b/c (TT 09/2026/TT-BTP). Each is a plain dict with stable keys (docs/reports.md), rendered
to JSON, PDF and XLSX by the `render_*` modules."""
