namespace gridatlas::render {}
