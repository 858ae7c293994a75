namespace FakET.Phantom;

/// <summary>
/// Where objects may still go: a voxel is taken when it belongs to a placed object's mask or touches one (its 26
/// neighbours), so that objects stay at least one voxel apart. An object fits at a position when none of its rotated
/// mask's voxels is taken; its density's faint tails may overlap others.
/// </summary>
internal sealed class Grid(int nz, int ny, int nx, int slabLo, int slabHi, bool[][] occupied)
{
    /// <summary>Tries up to <paramref name="attempts"/> random centres at which the mask lies inside the volume and the slab
    /// and touches nothing taken.</summary>
    public bool TryPlace(RenderedParticle drawing, Random random, int attempts, out int cx, out int cy, out int cz)
    {
        cx = cy = cz = 0;
        int xLo = -drawing.X.Lo, xHi = nx - 1 - drawing.X.Hi;
        int yLo = -drawing.Y.Lo, yHi = ny - 1 - drawing.Y.Hi;
        int zLo = slabLo - drawing.Z.Lo, zHi = slabHi - drawing.Z.Hi;
        if (xLo > xHi || yLo > yHi || zLo > zHi) return false;
        // The centre voxel first (a quick rejection: it is in the mask), then every voxel of the mask.
        var offsets = drawing.Offsets;
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            cx = random.Next(xLo, xHi + 1);
            cy = random.Next(yLo, yHi + 1);
            cz = random.Next(zLo, zHi + 1);
            if (occupied[cz][cy * nx + cx]) continue;
            bool free = true;
            for (int v = 0; v < offsets.Count && free; v++)
            {
                if (!drawing.Inside[v]) continue;
                var (dz, dy, dx) = offsets[v];
                free = !occupied[cz + dz][(cy + dy) * nx + cx + dx];
            }
            if (free) return true;
        }
        return false;
    }

    /// <summary>Marks the placed mask and its 26 neighbours as taken.</summary>
    public void MarkOccupied(RenderedParticle drawing, int cx, int cy, int cz)
    {
        for (int v = 0; v < drawing.Offsets.Count; v++)
        {
            if (!drawing.Inside[v]) continue;
            var (dz0, dy0, dx0) = drawing.Offsets[v];
            int z = cz + dz0, y = cy + dy0, x = cx + dx0;
            for (int dz = -1; dz <= 1; dz++)
            {
                int zz = z + dz;
                if ((uint)zz >= (uint)nz) continue;
                var section = occupied[zz];
                for (int dy = -1; dy <= 1; dy++)
                {
                    int yy = y + dy;
                    if ((uint)yy >= (uint)ny) continue;
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int xx = x + dx;
                        if ((uint)xx < (uint)nx) section[yy * nx + xx] = true;
                    }
                }
            }
        }
    }
}
