//! A small memory allocator for the in-page modules (feature `allocator`, on by default): Rust's default on
//! wasm32, dlmalloc, is about 2.8 KB of each module after brotli, more than a tenth of what a
//! visitor downloads before the launcher shows.
//!
//! Size classes of powers of two (8 bytes up), one free list each, and fresh blocks cut from the
//! end of the heap, which grows by whole pages (`memory.grow`). A block is aligned to its own size
//! (up to a page), so any layout whose size and alignment fit the class fits the block. No
//! headers: Rust hands the layout back on `dealloc`, and the layout names the class. Freed
//! blocks are reused only by their own class and are never merged or returned: a module's heap
//! stays at the high-water mark of each class, which for the widget (strings, small vectors, a
//! few hundred messages) is a few hundred KiB at most. Single-threaded, as the modules are.

/// The largest alignment a block gets from its position (a wasm page): larger ones are refused.
const PAGE: usize = 65536;

/// The allocator's state: a free list per class and the untouched end of the heap.
pub struct Pools {
    /// `free[k]`: the first free block of 2^k bytes (each holds the address of the next), 0 if
    /// none.
    free: [usize; usize::BITS as usize],
    /// The untouched part of the heap: `[next, end)`.
    next: usize,
    end: usize,
}

/// The class (log2 of the block size) of a layout, or `None` past what memory can hold.
fn class(size: usize, align: usize) -> Option<usize> {
    let want = size.max(align).max(8);
    let k = (usize::BITS - (want - 1).leading_zeros()) as usize;
    (k < usize::BITS as usize - 1).then_some(k)
}

impl Pools {
    pub const fn new() -> Pools {
        Pools {
            free: [0; usize::BITS as usize],
            next: 0,
            end: 0,
        }
    }

    /// A block for `size` bytes aligned to `align`, or null. `grow(bytes)` adds at least
    /// `bytes` (whole pages) to the heap and returns where they start, or `None`.
    ///
    /// # Safety
    /// Every block this handed out and that was not given back must still be the caller's; the
    /// memory `grow` hands out must be this allocator's alone.
    pub unsafe fn alloc(
        &mut self,
        size: usize,
        align: usize,
        grow: impl FnOnce(usize) -> Option<usize>,
    ) -> *mut u8 {
        let Some(k) = class(size, align).filter(|_| align <= PAGE) else {
            return core::ptr::null_mut();
        };
        // (`get_mut`, not indexing: no bounds-check panic, whose message would link integer
        // formatting into every module.)
        if let Some(slot) = self.free.get_mut(k).filter(|s| **s != 0) {
            let head = *slot;
            // SAFETY: a free block of this class holds the address of the next one.
            *slot = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        let block = 1usize << k;
        let aligned = block.min(PAGE);
        let mut grow = Some(grow);
        let start = loop {
            let Some(start) = self.next.checked_add(aligned - 1) else {
                return core::ptr::null_mut();
            };
            let start = start & !(aligned - 1);
            if start.checked_add(block).is_some_and(|e| e <= self.end) {
                break start;
            }
            // Past the end: a fresh region (page-aligned), once.
            let Some(at) = grow.take().and_then(|g| g(block)) else {
                return core::ptr::null_mut();
            };
            if at != self.end {
                // Not contiguous (or the first region): what was left of the old one is lost.
                self.next = at;
            }
            self.end = at + block.div_ceil(PAGE) * PAGE;
        };
        // The gap up to an aligned start becomes free blocks of the classes it is made of (each
        // aligned to its size, as `next` only ever moves by such blocks).
        while self.next < start {
            let low = self.next & self.next.wrapping_neg();
            let piece = low.min(start - self.next);
            let piece = 1usize << (usize::BITS - 1 - piece.leading_zeros());
            // SAFETY: the gap is ours and untouched; `piece` >= 8 holds a pointer.
            unsafe { self.release(self.next, piece.trailing_zeros() as usize) };
            self.next += piece;
        }
        self.next = start + block;
        start as *mut u8
    }

    /// Gives back a block that `alloc(size, align)` handed out.
    ///
    /// # Safety
    /// `ptr` came from [`Pools::alloc`] with this very `size` and `align`, and is not used again.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, size: usize, align: usize) {
        if let Some(k) = class(size, align) {
            // SAFETY: as the caller's.
            unsafe { self.release(ptr as usize, k) };
        }
    }

    /// True when a block of `size`/`align` can stay where it is after a `realloc` from `old`.
    pub fn same_class(old: (usize, usize), new: (usize, usize)) -> bool {
        class(old.0, old.1) == class(new.0, new.1)
    }

    unsafe fn release(&mut self, at: usize, k: usize) {
        if let Some(slot) = self.free.get_mut(k) {
            // SAFETY: the block is ours, at least 8 bytes, and aligned for a usize.
            unsafe { *(at as *mut usize) = *slot };
            *slot = at;
        }
    }
}

impl Default for Pools {
    fn default() -> Self {
        Pools::new()
    }
}

#[cfg(all(target_arch = "wasm32", feature = "allocator"))]
mod global {
    use super::{Pools, PAGE};
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    struct Heap(UnsafeCell<Pools>);

    // SAFETY: the modules run on one thread (wasm32 without shared memory).
    unsafe impl Sync for Heap {}

    fn grow(bytes: usize) -> Option<usize> {
        let old = core::arch::wasm32::memory_grow(0, bytes.div_ceil(PAGE));
        (old != usize::MAX).then(|| old * PAGE)
    }

    unsafe impl GlobalAlloc for Heap {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            // SAFETY: one thread, and no reentrance (the pools never allocate).
            unsafe { (*self.0.get()).alloc(l.size(), l.align(), grow) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, l: Layout) {
            // SAFETY: as `alloc`; the layout is the block's (GlobalAlloc's contract).
            unsafe { (*self.0.get()).dealloc(ptr, l.size(), l.align()) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, l: Layout, size: usize) -> *mut u8 {
            if Pools::same_class((l.size(), l.align()), (size, l.align())) {
                return ptr;
            }
            // SAFETY: GlobalAlloc's contract for `realloc`.
            unsafe {
                let new = self.alloc(Layout::from_size_align_unchecked(size, l.align()));
                if !new.is_null() {
                    core::ptr::copy_nonoverlapping(ptr, new, l.size().min(size));
                    self.dealloc(ptr, l);
                }
                new
            }
        }
    }

    #[global_allocator]
    static HEAP: Heap = Heap(UnsafeCell::new(Pools::new()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An arena of pages standing in for wasm memory.
    struct Arena {
        mem: Vec<u8>,
        base: usize,
        used: usize,
    }

    impl Arena {
        fn new(pages: usize) -> Arena {
            let mem = vec![0u8; (pages + 1) * PAGE];
            let base = (mem.as_ptr() as usize).div_ceil(PAGE) * PAGE;
            Arena { mem, base, used: 0 }
        }

        fn grow(&mut self, bytes: usize) -> Option<usize> {
            let pages = bytes.div_ceil(PAGE);
            if (self.used + pages + 1) * PAGE > self.mem.len() {
                return None;
            }
            let at = self.base + self.used * PAGE;
            self.used += pages;
            Some(at)
        }
    }

    #[test]
    fn classes() {
        assert_eq!(class(1, 1), Some(3));
        assert_eq!(class(8, 8), Some(3));
        assert_eq!(class(9, 1), Some(4));
        assert_eq!(class(16, 16), Some(4));
        assert_eq!(class(3, 64), Some(6));
        assert_eq!(class(65536, 1), Some(16));
        assert_eq!(class(65537, 1), Some(17));
        assert_eq!(class(usize::MAX / 2, 1), None);
        assert!(Pools::same_class((9, 1), (16, 1)));
        assert!(!Pools::same_class((16, 1), (17, 1)));
    }

    /// Random allocations, frees and reallocations: every block aligned, inside the arena,
    /// overlapping no live block, and its bytes untouched until it is freed.
    #[test]
    fn blocks_never_overlap_and_keep_their_bytes() {
        let mut arena = Arena::new(256);
        let mut pools = Pools::new();
        let mut live: Vec<(usize, usize, usize, u8)> = Vec::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let check = |live: &Vec<(usize, usize, usize, u8)>, at: usize, size: usize| {
            for &(p, s, _, _) in live {
                assert!(at + size.max(1) <= p || p + s.max(1) <= at, "overlap");
            }
        };
        for step in 0..20_000 {
            // As many frees as allocations (so the live set stays bounded), some reallocations.
            match rand(10) {
                0..=3 => {
                    let size = match rand(20) {
                        0 => 1 + rand(70_000),
                        1..=4 => 1 + rand(2_000),
                        _ => 1 + rand(64),
                    };
                    let align = 1 << rand(5);
                    let p = unsafe { pools.alloc(size, align, |b| arena.grow(b)) } as usize;
                    assert!(p != 0, "out of memory at step {step}");
                    assert_eq!(p % align, 0);
                    assert!(p >= arena.base && p + size <= arena.base + arena.used * PAGE);
                    check(&live, p, size);
                    let tag = (step % 251) as u8;
                    unsafe { core::ptr::write_bytes(p as *mut u8, tag, size) };
                    live.push((p, size, align, tag));
                }
                4..=7 if !live.is_empty() => {
                    let (p, size, align, tag) = live.swap_remove(rand(live.len()));
                    let bytes = unsafe { core::slice::from_raw_parts(p as *const u8, size) };
                    assert!(bytes.iter().all(|&b| b == tag), "a block was overwritten");
                    unsafe { pools.dealloc(p as *mut u8, size, align) };
                }
                _ if !live.is_empty() => {
                    // realloc as the global allocator does it.
                    let i = rand(live.len());
                    let (p, size, align, tag) = live.swap_remove(i);
                    let new_size = 1 + rand(3 * size).min(100_000);
                    let q = if Pools::same_class((size, align), (new_size, align)) {
                        p
                    } else {
                        let q = unsafe { pools.alloc(new_size, align, |b| arena.grow(b)) };
                        assert!(!q.is_null(), "out of memory at step {step}");
                        unsafe {
                            core::ptr::copy_nonoverlapping(p as *const u8, q, size.min(new_size));
                            pools.dealloc(p as *mut u8, size, align);
                        }
                        q as usize
                    };
                    check(&live, q, new_size);
                    let kept = size.min(new_size);
                    let bytes = unsafe { core::slice::from_raw_parts(q as *const u8, kept) };
                    assert!(bytes.iter().all(|&b| b == tag), "realloc lost bytes");
                    unsafe { core::ptr::write_bytes(q as *mut u8, tag, new_size) };
                    live.push((q, new_size, align, tag));
                }
                _ => {}
            }
        }
        // Freed blocks are reused: a fraction of the arena held all of it.
        assert!(arena.used < 128, "{} pages", arena.used);
    }

    #[test]
    fn freed_blocks_are_reused_and_the_gap_is_not_lost() {
        let mut arena = Arena::new(4);
        let mut pools = Pools::new();
        let a = unsafe { pools.alloc(24, 8, |b| arena.grow(b)) };
        let b = unsafe { pools.alloc(24, 8, |b| arena.grow(b)) };
        assert_eq!(b as usize, a as usize + 32);
        unsafe { pools.dealloc(a, 24, 8) };
        assert_eq!(unsafe { pools.alloc(20, 4, |_| None) }, a);
        // A 4 KiB block starts on a 4 KiB boundary; the gap before it serves small blocks.
        let big = unsafe { pools.alloc(4096, 1, |_| None) } as usize;
        assert_eq!(big % 4096, 0);
        let small = unsafe { pools.alloc(64, 1, |_| None) } as usize;
        assert!(small < big, "the gap's blocks come first");
        // Too big for the arena, or an alignment past a page: null, nothing breaks.
        assert!(unsafe { pools.alloc(1 << 30, 1, |b| arena.grow(b)) }.is_null());
        assert!(unsafe { pools.alloc(8, 1 << 17, |b| arena.grow(b)) }.is_null());
        assert!(!unsafe { pools.alloc(8, 8, |b| arena.grow(b)) }.is_null());
    }
}
