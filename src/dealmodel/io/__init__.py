"""Input and output of definitions: YAML with line tracking, dicts to objects and back."""
