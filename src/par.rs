//! Parallel helpers with a sequential fallback, so every caller gives the same output with or
//! without the `parallel` feature and whatever the thread count.

/// Maps `f` over `items` in order, with per-worker scratch state from `init`.
#[cfg(feature = "parallel")]
pub(crate) fn map_with<T, R, S, I, F>(items: &[T], init: I, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, &T) -> R + Sync + Send,
{
    use rayon::prelude::*;
    items.par_iter().with_min_len(8).map_init(init, f).collect()
}

/// Maps `f` over `items` in order, with per-worker scratch state from `init`.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map_with<T, R, S, I, F>(items: &[T], init: I, f: F) -> Vec<R>
where
    I: Fn() -> S,
    F: Fn(&mut S, &T) -> R,
{
    let mut state = init();
    items.iter().map(|t| f(&mut state, t)).collect()
}

/// Maps `f` over `items` in order.
pub(crate) fn map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    map_with(items, || (), |_, t| f(t))
}

/// Calls `f` with the position and a mutable reference of each item, in parallel with the
/// `parallel` feature.
pub(crate) fn for_each_mut<T, F>(items: &mut [T], f: F)
where
    T: Send,
    F: Fn(usize, &mut T) + Sync + Send,
{
    for_each_mut_in(items, 8, usize::MAX, f);
}

/// [`for_each_mut`] for few items that are each a large task: every item may go to its own
/// worker.
pub(crate) fn for_each_heavy_mut<T, F>(items: &mut [T], f: F)
where
    T: Send,
    F: Fn(usize, &mut T) + Sync + Send,
{
    for_each_mut_in(items, 1, 1, f);
}

/// [`for_each_mut`] with jobs of `min` to `max` items.
#[cfg_attr(not(feature = "parallel"), allow(unused_variables))]
fn for_each_mut_in<T, F>(items: &mut [T], min: usize, max: usize, f: F)
where
    T: Send,
    F: Fn(usize, &mut T) + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.par_iter_mut().with_min_len(min).with_max_len(max).enumerate().for_each(|(i, t)| f(i, t));
    }
    #[cfg(not(feature = "parallel"))]
    for (i, t) in items.iter_mut().enumerate() {
        f(i, t);
    }
}

/// Sorts `v` (unstable, so equal elements must be indistinguishable for determinism).
pub(crate) fn sort_unstable<T: Ord + Send>(v: &mut [T]) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        v.par_sort_unstable();
    }
    #[cfg(not(feature = "parallel"))]
    v.sort_unstable();
}

/// Number of worker threads that parallel helpers use (1 without the `parallel` feature).
pub(crate) fn threads() -> usize {
    #[cfg(feature = "parallel")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}

/// A flat `items.len() × width` table whose row `i` is filled by `f(state, &items[i], row)`,
/// with per-worker state from `init`, and the value `f` returns for each item, in order; rows
/// in parallel with the `parallel` feature.
pub(crate) fn fill_rows_with<T, R, V, S, I, F>(items: &[T], width: usize, init: I, f: F) -> (Vec<R>, Vec<V>)
where
    T: Sync,
    R: Default + Clone + Send,
    V: Send,
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, &T, &mut [R]) -> V + Sync + Send,
{
    let mut out = vec![R::default(); items.len() * width];
    if width == 0 {
        let values = map_with(items, init, |s, t| f(s, t, &mut []));
        return (out, values);
    }
    #[cfg(feature = "parallel")]
    let values = {
        use rayon::prelude::*;
        out.par_chunks_mut(width)
            .zip(items.par_iter())
            .with_min_len(8)
            .map_init(init, |s, (row, t)| f(s, t, row))
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let values = {
        let mut s = init();
        out.chunks_mut(width).zip(items).map(|(row, t)| f(&mut s, t, row)).collect()
    };
    (out, values)
}

/// A flat `items.len() × width` table whose row `i` is filled by `f(&items[i], row)`, rows in
/// parallel with the `parallel` feature: one allocation instead of one per item.
pub(crate) fn fill_rows<T, R, F>(items: &[T], width: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Default + Clone + Send,
    F: Fn(&T, &mut [R]) + Sync + Send,
{
    let mut out = vec![R::default(); items.len() * width];
    if width == 0 {
        return out;
    }
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        out.par_chunks_mut(width).zip(items.par_iter()).with_min_len(64).for_each(|(row, t)| f(t, row));
    }
    #[cfg(not(feature = "parallel"))]
    for (row, t) in out.chunks_mut(width).zip(items) {
        f(t, row);
    }
    out
}
