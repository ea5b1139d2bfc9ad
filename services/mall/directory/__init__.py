"""What the mall knows of identity, learned from its events: units and residents."""
