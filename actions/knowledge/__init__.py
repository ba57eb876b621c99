"""The trigger point knowledge base: referral patterns in SQL, and the `rank` query."""
