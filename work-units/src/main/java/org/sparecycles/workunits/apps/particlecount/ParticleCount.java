package org.sparecycles.workunits.apps.particlecount;

import java.util.List;

/**
 * What the pipeline finds in one image: the Otsu threshold of the blurred image and the objects kept, in raster
 * order of their first pixels.
 */
record ParticleCount(int width, int height, int threshold, List<Particle> particles) {

    ParticleCount {
        particles = List.copyOf(particles);
    }

    long totalArea() {
        long total = 0;
        for (Particle p : particles) {
            total += p.area();
        }
        return total;
    }
}
