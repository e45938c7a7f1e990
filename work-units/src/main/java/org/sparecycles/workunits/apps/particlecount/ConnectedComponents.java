package org.sparecycles.workunits.apps.particlecount;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * 8-connected components of a thresholded image, found on runs (maximal horizontal stretches of foreground):
 * one raster scan cuts rows into runs and joins each run to the runs of the row above that touch it, diagonals
 * included, with a union-find whose root is always the earliest run. Objects therefore come out in raster order
 * of their first pixels, and measuring them needs one more pass over the runs only.
 */
final class ConnectedComponents {
    private int count;
    private int[] row;
    private int[] start;
    private int[] end;
    private int[] parent;

    private ConnectedComponents(int capacity) {
        row = new int[capacity];
        start = new int[capacity];
        end = new int[capacity];
        parent = new int[capacity];
    }

    /**
     * The objects of at least {@code minArea} pixels among the pixels whose {@code levels} are foreground.
     *
     * @param levels     the image that was thresholded (the blurred one)
     * @param original   the image whose gray levels are summed per object
     * @param foreground which of the 256 levels are foreground
     */
    static List<Particle> find(byte[] levels, byte[] original, int width, int height, boolean[] foreground,
                               long minArea) {
        ConnectedComponents runs = new ConnectedComponents(Math.max(16, 2 * height));
        runs.scan(levels, width, height, foreground);
        return runs.measure(original, width, minArea);
    }

    private void scan(byte[] levels, int width, int height, boolean[] foreground) {
        int previousFirst = 0;
        int previousEnd = 0;
        for (int y = 0; y < height; y++) {
            int rowFirst = count;
            int offset = y * width;
            int above = previousFirst;
            int x = 0;
            while (x < width) {
                while (x < width && !foreground[levels[offset + x] & 0xff]) {
                    x++;
                }
                if (x == width) {
                    break;
                }
                int runStart = x;
                while (x < width && foreground[levels[offset + x] & 0xff]) {
                    x++;
                }
                int run = add(y, runStart, x - 1);
                // runs above that touch [runStart - 1, x] (8-connectivity reaches one column further each side)
                while (above < previousEnd && end[above] < runStart - 1) {
                    above++;
                }
                for (int touching = above; touching < previousEnd && start[touching] <= x; touching++) {
                    union(run, touching);
                }
            }
            previousFirst = rowFirst;
            previousEnd = count;
        }
    }

    private int add(int y, int runStart, int runEnd) {
        if (count == parent.length) {
            int capacity = 2 * count;
            row = Arrays.copyOf(row, capacity);
            start = Arrays.copyOf(start, capacity);
            end = Arrays.copyOf(end, capacity);
            parent = Arrays.copyOf(parent, capacity);
        }
        row[count] = y;
        start[count] = runStart;
        end[count] = runEnd;
        parent[count] = count;
        return count++;
    }

    private int root(int run) {
        int r = run;
        while (parent[r] != r) {
            parent[r] = parent[parent[r]];
            r = parent[r];
        }
        return r;
    }

    private void union(int a, int b) {
        int ra = root(a);
        int rb = root(b);
        if (ra < rb) {
            parent[rb] = ra;
        } else if (rb < ra) {
            parent[ra] = rb;
        }
    }

    private List<Particle> measure(byte[] original, int width, long minArea) {
        // per object, indexed in order of the object's first run
        int[] objectOf = new int[count];
        int objects = 0;
        int[] area = new int[count];
        long[] sumX = new long[count];
        long[] sumY = new long[count];
        long[] sumLevel = new long[count];
        int[] minX = new int[count];
        int[] maxX = new int[count];
        int[] maxY = new int[count];
        int[] firstRun = new int[count];
        for (int run = 0; run < count; run++) {
            int r = root(run);
            int object;
            if (r == run) {
                object = objects++;
                firstRun[object] = run;
                minX[object] = Integer.MAX_VALUE;
            } else {
                object = objectOf[r];
            }
            objectOf[run] = object;
            int s = start[run];
            int e = end[run];
            int length = e - s + 1;
            int y = row[run];
            area[object] += length;
            sumX[object] += (long) (s + e) * length / 2;
            sumY[object] += (long) y * length;
            minX[object] = Math.min(minX[object], s);
            maxX[object] = Math.max(maxX[object], e);
            maxY[object] = y;
            long levels = 0;
            for (int i = y * width + s, last = y * width + e; i <= last; i++) {
                levels += original[i] & 0xff;
            }
            sumLevel[object] += levels;
        }
        List<Particle> kept = new ArrayList<>();
        for (int object = 0; object < objects; object++) {
            if (area[object] >= minArea) {
                int first = firstRun[object];
                kept.add(new Particle(start[first], row[first], area[object], sumX[object], sumY[object],
                        minX[object], row[first], maxX[object], maxY[object], sumLevel[object]));
            }
        }
        return kept;
    }
}
