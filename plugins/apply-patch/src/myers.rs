//! A shortest edit script between two sequences: Myers' O(ND) difference algorithm, in
//! its linear-space divide-and-conquer form (E. W. Myers, "An O(ND) Difference
//! Algorithm and Its Variations", 1986, section 4b).
//!
//! Common prefixes and suffixes are matched first; what is left is split at the middle
//! of an optimal edit path (found by searching from both ends at once), and both halves
//! are solved the same way. Memory stays linear in the input; time is O((N+M)·D).

/// One step of an edit script, with 0-based indices into the old and new sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `old[i]` and `new[j]` are the same element.
    Equal(usize, usize),
    /// `old[i]` goes.
    Delete(usize),
    /// `new[j]` comes.
    Insert(usize),
}

/// A shortest edit script turning `old` into `new`, in order. Deletions come before
/// insertions where both are possible.
pub fn diff<T: Eq>(old: &[T], new: &[T]) -> Vec<Op> {
    let mut ops = Vec::with_capacity(old.len().max(new.len()));
    solve(old, new, 0, 0, &mut ops);
    // Within each run of changes, deletions first (as unified diffs show them).
    for run in ops.split_mut(|op| matches!(op, Op::Equal(..))) {
        run.sort_by_key(|op| matches!(op, Op::Insert(_)));
    }
    ops
}

/// Appends the script of `old` → `new`, whose first elements are at `x0` and `y0` in
/// the whole sequences.
fn solve<T: Eq>(old: &[T], new: &[T], x0: usize, y0: usize, ops: &mut Vec<Op>) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let suffix = old_rest
        .iter()
        .rev()
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &old_rest[..old_rest.len() - suffix];
    let new_mid = &new_rest[..new_rest.len() - suffix];
    ops.extend((0..prefix).map(|i| Op::Equal(x0 + i, y0 + i)));
    let (mx, my) = (x0 + prefix, y0 + prefix);
    if old_mid.is_empty() {
        ops.extend((0..new_mid.len()).map(|j| Op::Insert(my + j)));
    } else if new_mid.is_empty() {
        ops.extend((0..old_mid.len()).map(|i| Op::Delete(mx + i)));
    } else {
        // Both sides are non-empty and differ at both ends, so the edit distance is at
        // least 2 and the split leaves two strictly smaller problems.
        let (x, y) = split_point(old_mid, new_mid);
        solve(&old_mid[..x], &new_mid[..y], mx, my, ops);
        solve(&old_mid[x..], &new_mid[y..], mx + x, my + y, ops);
    }
    let (sx, sy) = (mx + old_mid.len(), my + new_mid.len());
    ops.extend((0..suffix).map(|i| Op::Equal(sx + i, sy + i)));
}

/// A point `(x, y)` on an optimal edit path of `a` → `b` that splits its cost in two
/// halves, found where the forward and backward searches meet.
fn split_point<T: Eq>(a: &[T], b: &[T]) -> (usize, usize) {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m + 1) / 2;
    let delta = n - m;
    let odd = delta % 2 != 0;
    let offset = max + 1;
    let size = (2 * max + 3) as usize;
    // Furthest x reached on each diagonal k = x - y, forwards (`fwd`) and, in reversed
    // coordinates, backwards (`bwd`).
    let mut fwd = vec![0isize; size];
    let mut bwd = vec![0isize; size];
    let at = |k: isize| (k + offset) as usize;
    for d in 0..=max {
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && fwd[at(k - 1)] < fwd[at(k + 1)]) {
                fwd[at(k + 1)]
            } else {
                fwd[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            fwd[at(k)] = x;
            let reverse_k = delta - k;
            if odd && (-(d - 1)..=d - 1).contains(&reverse_k) && x + bwd[at(reverse_k)] >= n {
                return (x as usize, y as usize);
            }
        }
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && bwd[at(k - 1)] < bwd[at(k + 1)]) {
                bwd[at(k + 1)]
            } else {
                bwd[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[(n - 1 - x) as usize] == b[(m - 1 - y) as usize] {
                x += 1;
                y += 1;
            }
            bwd[at(k)] = x;
            let forward_k = delta - k;
            if !odd && (-d..=d).contains(&forward_k) && x + fwd[at(forward_k)] >= n {
                return ((n - x) as usize, (m - y) as usize);
            }
        }
    }
    unreachable!("the searches meet within (n + m + 1) / 2 steps")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `ops` turns `a` into `b` and returns the number of edits.
    fn check(a: &[u8], b: &[u8]) -> usize {
        let ops = diff(a, b);
        let (mut i, mut j, mut edits) = (0, 0, 0);
        for op in &ops {
            match *op {
                Op::Equal(x, y) => {
                    assert_eq!((x, y), (i, j), "{ops:?}");
                    assert_eq!(a[x], b[y]);
                    i += 1;
                    j += 1;
                }
                Op::Delete(x) => {
                    assert_eq!(x, i);
                    i += 1;
                    edits += 1;
                }
                Op::Insert(y) => {
                    assert_eq!(y, j);
                    j += 1;
                    edits += 1;
                }
            }
        }
        assert_eq!((i, j), (a.len(), b.len()));
        edits
    }

    /// The edit distance (insertions and deletions only), by dynamic programming.
    fn distance(a: &[u8], b: &[u8]) -> usize {
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, x) in a.iter().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, y) in b.iter().enumerate() {
                let next = if x == y {
                    prev
                } else {
                    1 + row[j].min(row[j + 1])
                };
                prev = row[j + 1];
                row[j + 1] = next;
            }
        }
        row[b.len()]
    }

    #[test]
    fn small_cases() {
        assert_eq!(diff::<u8>(&[], &[]), vec![]);
        assert_eq!(diff(b"a", b""), vec![Op::Delete(0)]);
        assert_eq!(diff(b"", b"a"), vec![Op::Insert(0)]);
        assert_eq!(
            diff(b"abc", b"axc"),
            vec![
                Op::Equal(0, 0),
                Op::Delete(1),
                Op::Insert(1),
                Op::Equal(2, 2)
            ]
        );
        assert_eq!(check(b"abcabba", b"cbabac"), 5);
    }

    #[test]
    fn scripts_are_shortest() {
        // A small deterministic generator (no dependencies): sequences over a small
        // alphabet, so that there are many partial matches.
        let mut seed = 0x2545_f491_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..2000 {
            let (la, lb) = ((next() % 14) as usize, (next() % 14) as usize);
            let a: Vec<u8> = (0..la).map(|_| b'a' + (next() % 3) as u8).collect();
            let b: Vec<u8> = (0..lb).map(|_| b'a' + (next() % 3) as u8).collect();
            assert_eq!(check(&a, &b), distance(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn large_inputs_stay_fast() {
        let a: Vec<u32> = (0..20_000).collect();
        let b: Vec<u32> = (0..20_000)
            .map(|i| if i % 97 == 0 { i + 1_000_000 } else { i })
            .collect();
        let edits = diff(&a, &b)
            .iter()
            .filter(|op| !matches!(op, Op::Equal(..)))
            .count();
        assert_eq!(edits, 2 * 20_000_usize.div_ceil(97));
    }
}
