"""The plots' minimum sizes (width, height) in pixels, known without pyqtgraph: the window holds
room for each plot in its dock before the plots are built, so its layout stays as it is when they
arrive."""
LOSS = (320, 320)
BOUNDARY = (320, 320)
WEIGHTS = (300, 260)
GRADNORM = (320, 240)
CURVATURE = (320, 300)   # fits the bottom dock row of a 1366×768 window
