package org.sparecycles.server.loadtest;

/** The shares of results that simulated hosts answer wrongly, with an error, or after the deadline. */
record LoadShares(double wrong, double error, double late) {
    LoadShares {
        for (double share : new double[] {wrong, error, late}) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("shares must be within 0..1: " + share);
            }
        }
        if (wrong + error + late > 1) {
            throw new IllegalArgumentException("the wrong, error and late shares add up to more than 1");
        }
    }
}
