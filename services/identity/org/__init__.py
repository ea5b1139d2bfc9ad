"""The org tree: district → town → community → grid."""
