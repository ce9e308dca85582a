#pragma once
// gridatlas_io: getting data into and out of the atlas (formats, coordinates, rosters, plans).
// Each part has its own header in this folder.
