"""The theme engine's numeric core: plain Python and numpy, no Django.

- `embeddings`: sentence embeddings from a model installed with pip (loaded
  lazily; importing this package never imports torch).
- `features`: text embeddings and reps' tags combined into one vector.
- `grouping`: groups notes by meaning and decides how many groups there are.
- `naming`: readable titles, keywords and representative notes.
- `placement`: centroids and the similarity a new note needs to join a theme.
- `csv_io`: the `cluster_csv` command's logic on plain CSV files.
"""
