"""QR codes for issued papers (TCVN 7322:2009 places them at the top left)."""

import segno


def qr_svg_data_uri(payload: str) -> str:
    # Vector SVG stays sharp at any print resolution; error level M survives a creased paper.
    code = segno.make(payload, error="m", encoding="utf-8", micro=False)
    return code.svg_data_uri(scale=4, border=2, dark="#000", light="#fff")
