//! A small allocator for the in-page modules: Rust's default on wasm32 (dlmalloc) is ~8 KB of
//! WASM, a few hundred bytes of this one. The modules are single-threaded, allocate little
//! (items, strings, small lists) and live as long as the page, so a simple design fits:
//!
//! - every block is a power of two (8 bytes to 2 GiB) and sits at an address that is a multiple
//!   of its size, so it suits any alignment up to its size;
//! - a freed block goes on the free list of its size and is handed out again for the next
//!   request of that size (no splitting, no merging);
//! - new blocks are cut from the end of the heap, which grows by whole WASM pages; the space
//!   skipped to align a block is cut into the largest aligned blocks that fit and put on their
//!   free lists, so nothing is lost.
//!
//! Memory is never given back to the browser (WASM memory cannot shrink anyway); the cost is
//! at most twice what is live at the busiest moment of each size. `Heap` does the bookkeeping
//! and is tested natively over a plain buffer; [`Pow2`] is the `#[global_allocator]` over the
//! WASM memory (each module opts in with `#[global_allocator] static A: Pow2 = Pow2::new();`).

/// Bookkeeping over a range of memory that grows at its end.
pub struct Heap {
    /// Head of the free list of blocks of `8 << k` bytes (0: empty); a free block holds the
    /// address of the next one in its first word.
    free: [usize; 29],
    /// Where the next new block may start, and where the memory ends.
    next: usize,
    end: usize,
}

/// The smallest block: a free block must hold a link, and 8 suits `u64` / `f64`.
const MIN: usize = 8;

impl Heap {
    pub const NEW: Heap = Heap {
        free: [0; 29],
        next: 0,
        end: 0,
    };

    /// The size class of a request: `8 << k` is the smallest block that fits it.
    fn class(size: usize, align: usize) -> Option<usize> {
        let need = size.max(align).max(MIN);
        let k = need.checked_next_power_of_two()?.trailing_zeros() as usize - 3;
        (k < 29).then_some(k)
    }

    /// A block for `size` bytes aligned to `align`, or 0. `grow(bytes)` adds at least `bytes`
    /// of memory and returns where the added memory starts and ends (`None`: no more memory).
    ///
    /// # Safety
    /// The memory handed out by `grow` must be writable and not used by anything else.
    pub unsafe fn alloc(
        &mut self,
        size: usize,
        align: usize,
        grow: impl FnOnce(usize) -> Option<(usize, usize)>,
    ) -> usize {
        let Some(k) = Self::class(size, align) else {
            return 0;
        };
        let head = self.free[k];
        if head != 0 {
            // SAFETY: a free block is ours and holds the next link.
            self.free[k] = unsafe { *(head as *const usize) };
            return head;
        }
        let block = MIN << k;
        if self.end - self.next < block || !self.next.is_multiple_of(block) {
            let start = self.next.next_multiple_of(block);
            if start.checked_add(block).is_none_or(|e| e > self.end) {
                // The new memory follows the old (nothing else grows it) or, if not, starts
                // afresh; what was left at the old end stays there for smaller blocks.
                let Some((from, to)) = grow(block.saturating_mul(2)) else {
                    return 0;
                };
                if from != self.end {
                    unsafe { self.recycle(self.next, self.end) };
                    self.next = from;
                }
                self.end = to;
            }
            let start = self.next.next_multiple_of(block);
            if start.checked_add(block).is_none_or(|e| e > self.end) {
                return 0;
            }
            unsafe { self.recycle(self.next, start) };
            self.next = start;
        }
        let b = self.next;
        self.next += block;
        b
    }

    /// Puts `[from, to)` on the free lists, cut into the largest aligned blocks that fit.
    unsafe fn recycle(&mut self, mut from: usize, to: usize) {
        from = from.next_multiple_of(MIN);
        while to.saturating_sub(from) >= MIN {
            // The largest power of two that `from` is a multiple of and that fits before `to`.
            let mut b = MIN;
            while from.is_multiple_of(b * 2) && b * 2 <= to - from && b < MIN << 28 {
                b *= 2;
            }
            if let Some(k) = Self::class(b, 1) {
                unsafe { self.release(from, k) };
            }
            from += b;
        }
    }

    unsafe fn release(&mut self, p: usize, k: usize) {
        // SAFETY: the block is ours and at least a word long.
        unsafe { *(p as *mut usize) = self.free[k] };
        self.free[k] = p;
    }

    /// Gives back a block that [`Heap::alloc`] returned for the same `size` and `align`.
    ///
    /// # Safety
    /// `p` must be such a block, not already given back.
    pub unsafe fn dealloc(&mut self, p: usize, size: usize, align: usize) {
        if let Some(k) = Self::class(size, align) {
            unsafe { self.release(p, k) };
        }
    }

    /// Whether a block for (`old`, `align`) also holds `new` bytes (same size class).
    pub fn fits(old: usize, new: usize, align: usize) -> bool {
        Self::class(old, align) == Self::class(new, align)
    }
}

#[cfg(target_arch = "wasm32")]
pub use wasm::Pow2;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::Heap;
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::UnsafeCell;

    /// [`Heap`] over the module's WASM memory.
    pub struct Pow2(UnsafeCell<Heap>);

    // SAFETY: the in-page modules run on one thread (no shared memory, no atomics).
    unsafe impl Sync for Pow2 {}

    impl Default for Pow2 {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Pow2 {
        pub const fn new() -> Pow2 {
            Pow2(UnsafeCell::new(Heap::NEW))
        }
    }

    const PAGE: usize = 65536;

    fn grow(bytes: usize) -> Option<(usize, usize)> {
        let pages = bytes.div_ceil(PAGE);
        let old = core::arch::wasm32::memory_grow(0, pages);
        (old != usize::MAX).then(|| (old * PAGE, (old + pages) * PAGE))
    }

    unsafe impl GlobalAlloc for Pow2 {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            // SAFETY: one thread, and `alloc` does not re-enter the allocator.
            unsafe { (*self.0.get()).alloc(l.size(), l.align(), grow) as *mut u8 }
        }

        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            unsafe { (*self.0.get()).dealloc(p as usize, l.size(), l.align()) }
        }

        unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
            if Heap::fits(l.size(), new, l.align()) {
                return p;
            }
            // SAFETY: as `GlobalAlloc::realloc` requires, `new` with `l.align()` is a valid
            // layout; the old block is copied, then given back.
            unsafe {
                let q = self.alloc(Layout::from_size_align_unchecked(new, l.align()));
                if !q.is_null() {
                    core::ptr::copy_nonoverlapping(p, q, l.size().min(new));
                    self.dealloc(p, l);
                }
                q
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A heap over a buffer that grows in 64 KiB steps, up to 4 MiB.
    struct Arena {
        buf: Vec<u64>,
        used: usize,
        heap: Heap,
    }

    impl Arena {
        fn new() -> Arena {
            Arena {
                buf: vec![0; (4 << 20) / 8],
                used: 0,
                heap: Heap::NEW,
            }
        }
        fn base(&self) -> usize {
            self.buf.as_ptr() as usize
        }
        fn alloc(&mut self, size: usize, align: usize) -> usize {
            let (base, cap) = (self.base(), self.buf.len() * 8);
            let used = &mut self.used;
            let grow = |bytes: usize| {
                let n = bytes.div_ceil(65536) * 65536;
                if *used + n > cap {
                    return None;
                }
                let from = base + *used;
                *used += n;
                Some((from, base + *used))
            };
            unsafe { self.heap.alloc(size, align, grow) }
        }
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_reused() {
        let mut a = Arena::new();
        let mut live: Vec<(usize, usize, usize, u8)> = Vec::new();
        // A deterministic mix of sizes and alignments, freed in a scrambled order.
        let mut seed = 0x2545_f491_u64;
        let mut rnd = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for round in 0..20_000u32 {
            if live.len() > 40 && rnd(2) == 0 {
                let (p, size, align, tag) = live.swap_remove(rnd(live.len() as u64) as usize);
                let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, size) };
                assert!(bytes.iter().all(|b| *b == tag), "a block was overwritten");
                unsafe { a.heap.dealloc(p, size, align) };
                continue;
            }
            let size = match rnd(10) {
                0 => rnd(5000) as usize + 1,
                1 => 0,
                _ => rnd(100) as usize + 1,
            };
            let align = 1 << rnd(5);
            let p = a.alloc(size, align);
            assert_ne!(p, 0, "out of memory at round {round}");
            assert_eq!(p % align, 0);
            assert!(p >= a.base() && p + size <= a.base() + a.used);
            for &(q, qs, _, _) in &live {
                assert!(p + size.max(1) <= q || q + qs.max(1) <= p, "overlap");
            }
            let tag = (round % 251) as u8;
            unsafe { std::ptr::write_bytes(p as *mut u8, tag, size) };
            live.push((p, size, align, tag));
        }
        // Reuse keeps the footprint small: far below the 4 MiB on offer.
        assert!(a.used <= 1 << 20, "used {} bytes", a.used);
    }

    #[test]
    fn a_freed_block_is_handed_out_again_and_sizes_share_classes() {
        let mut a = Arena::new();
        let p = a.alloc(24, 8);
        unsafe { a.heap.dealloc(p, 24, 8) };
        assert_eq!(a.alloc(32, 4), p, "24 and 32 bytes share the 32-byte class");
        assert!(Heap::fits(17, 32, 1) && !Heap::fits(32, 33, 1));
        assert_eq!(a.alloc(usize::MAX / 2, 8), 0, "too big: null, not a panic");
        assert_eq!(a.alloc(8 << 20, 8), 0, "no more memory: null");
        assert_ne!(a.alloc(8, 8), 0, "still usable after a refusal");
    }

    #[test]
    fn alignment_gaps_are_recycled() {
        let mut a = Arena::new();
        let small = a.alloc(8, 8);
        let big = a.alloc(4096, 4096);
        assert_eq!(big % 4096, 0);
        // The gap between them went to the free lists: small blocks come from it.
        let next = a.alloc(8, 8);
        assert!(next > small && next < big, "{small:x} {next:x} {big:x}");
    }
}
