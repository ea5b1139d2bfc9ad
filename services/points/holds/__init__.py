"""The points side of the mall's redemption saga: holds placed, settled and released."""
