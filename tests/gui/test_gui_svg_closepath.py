"""pyqtgraph's SVG export with Qt's closepath commands (gui.plots.svg_closepath); the plots' SVG
export through the File menu, which failed on them for every plot, is tested in test_gui_files."""
from gui.plots.svg_closepath import closed_by_lines


def test_each_closepath_becomes_the_line_back_to_its_subpaths_start():
    d = "M0,0 L4,0 L4,3 Z M10,10 L12,10 z L1,1"
    assert closed_by_lines(d) == "M0,0 L4,0 L4,3 L0,0 M10,10 L12,10 L10,10 L1,1"
    assert closed_by_lines("M1,2 C3,4 5,6 7,8") == "M1,2 C3,4 5,6 7,8"   # nothing to close
