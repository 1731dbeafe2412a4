"""Other agencies' registers: subscribing to their signed feeds, fetching and verifying them
through the job queue, and answering "is this official?" for their channels too."""
