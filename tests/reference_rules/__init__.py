"""Today's per-row delivery rules (siu's code before the columnar engine, issue 14), kept as the
reference the batch rules are tested against: fed one record at a time, they give the hits the
batch rules must give whatever the batches."""
