"""
Reports of the training area: the daftar hadir PDF of a session (daftar_hadir.py), the attendance
recap of a training and its XLSX (recap.py), its SVG chart (chart.py), and the WeasyPrint
rendering every PDF of the app shares (pdf.py).
"""
