"""Evidence photos of claims: uploaded by the claimant, cited by URL in a claim."""
