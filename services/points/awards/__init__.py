"""Awards from facts elsewhere (volunteer pushes, activities, adopted suggestions), capped."""
