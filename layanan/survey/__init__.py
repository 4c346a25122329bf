"""Survei Kepuasan Masyarakat (SKM) and the IKM."""
