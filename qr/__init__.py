"""Every QR code Yima prints, drawn with segno; no Flask here."""
