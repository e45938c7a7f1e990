package org.sparecycles.client.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuSharesTest {
    @Test
    void coresFollowResourceShares() {
        Map<String, Integer> a = CpuShares.allocate(4, List.of(new CpuShares.Claim("a", 4, 300, 0, 0),
                new CpuShares.Claim("b", 4, 100, 0, 0)));
        assertEquals(Map.of("a", 3, "b", 1), a);
    }

    @Test
    void oneCoreGoesToTheProjectFurthestBehindItsShare() {
        List<CpuShares.Claim> claims = List.of(new CpuShares.Claim("a", 2, 100, 900, 0),
                new CpuShares.Claim("b", 2, 100, 100, 0));
        assertEquals(Map.of("a", 0, "b", 1), CpuShares.allocate(1, claims));
    }

    @Test
    void deadlineAtRiskComesFirstAndIdleProjectsGetNothing() {
        List<CpuShares.Claim> claims = List.of(new CpuShares.Claim("a", 3, 100, 0, 0),
                new CpuShares.Claim("b", 1, 1, 10_000, 1), new CpuShares.Claim("c", 0, 500, 0, 0));
        assertEquals(Map.of("a", 1, "b", 1, "c", 0), CpuShares.allocate(2, claims));
    }
}
