"""The petitions service: villagers speak, from submission to rating, deadlines, Open311."""
