;; The forward pass of a multilayer perceptron for one input, with WebAssembly SIMD: four float32
;; lanes (TF.js holds the weights in float32, so they are stored exactly). `npm run build:wasm`
;; assembles this file into mlp-wasm.ts (base64); src/nn/kernels/forward.ts lays out the
;; memory and calls `forward`. The plain-TypeScript pass (Mlp.forwardPlain) is the reference it is
;; tested against. `sparse_forward` (and `sparse_forward_narrow`, the same sums for up to 32 outputs)
;; and `sparse_weight_grad` are the sparse first layer (Mlp's `sparseInput`; their memory is laid out
;; by forward.ts's SparseKernel).
;;
;; Memory layout (of `forward`) (byte offsets, every block 16-byte aligned):
;;   0: i32 number of layers; 4: i32 activation (0 tanh, 1 relu)
;;   16 + 24 l: layer l's table: i32 x, w, b, out (byte offsets), i32 nIn, nOut (padded widths)
;;   then the input, and per layer its weights [nOut][nIn] (row j: the weights into output j),
;;   biases [nOut] and outputs [nOut], all float32. Every width is padded with zeros to a multiple
;;   of 4, so the loops need no remainder code. Padded outputs are act(0 + 0) = 0 and padded
;;   weights are 0, so padding never changes a real output.
(module
  (memory (export "memory") 1)
  ;; tanh(x) for four lanes: the rational fit Eigen uses for float32 (degree 13 over degree 6, odd),
  ;; on x clamped to [-9, 9]; absolute error below 4e-7 in float32 arithmetic (tested against Math.tanh)
  (func $tanh2 (param $x v128) (result v128)
    (local $x2 v128) (local $p v128) (local $q v128)
    (local.set $x (f32x4.max (f32x4.min (local.get $x) (f32x4.splat (f32.const 9))) (f32x4.splat (f32.const -9))))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (f32x4.splat (f32.const -2.76076847742355e-16)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 2.00018790482477e-13))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const -8.60467152213735e-11))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 5.12229709037114e-08))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 1.48572235717979e-05))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 6.37261928875436e-04))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 4.89352455891786e-03))))
    (local.set $p (f32x4.mul (local.get $p) (local.get $x)))
    (local.set $q (f32x4.splat (f32.const 1.19825839466702e-06)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (f32x4.splat (f32.const 1.18534705686654e-04))))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (f32x4.splat (f32.const 2.26843463243900e-03))))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (f32x4.splat (f32.const 4.89352518554385e-03))))
    (f32x4.div (local.get $p) (local.get $q)))

  ;; out[j] = b[j] + sum_i x[i] w[j * nIn + i] for j < nOut, four rows at a time; nIn and nOut multiples of 4
  (func $dense (param $x i32) (param $w i32) (param $b i32) (param $out i32) (param $nIn i32) (param $nOut i32)
    (local $j i32) (local $i i32) (local $row i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xv v128)
    (local.set $row (i32.shl (local.get $nIn) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $j) (local.get $nOut)))
      (local.set $r0 (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $row))))
      (local.set $r1 (i32.add (local.get $r0) (local.get $row)))
      (local.set $r2 (i32.add (local.get $r1) (local.get $row)))
      (local.set $r3 (i32.add (local.get $r2) (local.get $row)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (loop $cols
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $r0) (local.get $i))))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $r1) (local.get $i))))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $r2) (local.get $i))))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $r3) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $i) (local.get $row))))
      ;; horizontal sums of a0..a3 into one vector: pairwise [a0.0+a0.1, a0.2+a0.3, a1.0+a1.1, a1.2+a1.3], then again
      (local.set $a0 (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
                                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
      (local.set $a2 (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a2) (local.get $a3))
                                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a2) (local.get $a3))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
        (f32x4.add (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
          (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a2))
                     (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a2)))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $rows))))

  ;; activation in place over n values (n a multiple of 4): 0 tanh, 1 relu
  (func $activate (param $p i32) (param $n i32) (param $act i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (if (i32.eqz (local.get $act))
        (then (v128.store (local.get $p) (call $tanh2 (v128.load (local.get $p)))))
        (else (v128.store (local.get $p) (f32x4.max (v128.load (local.get $p)) (v128.const i32x4 0 0 0 0)))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $each))))

  ;; The whole forward pass. Layer table at byte 0: i32 nLayers, i32 act, then per layer from byte 16
  ;; six i32: x, w, b, out (byte offsets), nIn, nOut (padded widths). No activation after the last layer.
  (func (export "forward")
    (local $l i32) (local $n i32) (local $t i32)
    (local.set $n (i32.load (i32.const 0)))
    (local.set $l (i32.const 0))
    (block $done (loop $layers
      (br_if $done (i32.ge_u (local.get $l) (local.get $n)))
      (local.set $t (i32.add (i32.const 16) (i32.mul (local.get $l) (i32.const 24))))
      (call $dense (i32.load (local.get $t)) (i32.load offset=4 (local.get $t)) (i32.load offset=8 (local.get $t))
        (i32.load offset=12 (local.get $t)) (i32.load offset=16 (local.get $t)) (i32.load offset=20 (local.get $t)))
      (if (i32.lt_u (i32.add (local.get $l) (i32.const 1)) (local.get $n))
        (then (call $activate (i32.load offset=12 (local.get $t)) (i32.load offset=20 (local.get $t)) (i32.load (i32.const 4)))))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br $layers))))
  ;; Sparse first layer. x holds `rows` rows of n floats (n a multiple of 4), W is [n][m] row-major
  ;; (m a multiple of 4): out[r][j] = b[j] + sum over i with x[r][i] != 0 of x[r][i] W[i][j]. Four
  ;; inputs are tested at once (v128.any_true), so a mostly-zero row costs about n / 4 loads.
  (func (export "sparse_forward") (param $x i32) (param $rows i32) (param $n i32) (param $w i32) (param $b i32) (param $m i32) (param $out i32)
    (local $r i32) (local $i i32) (local $k i32) (local $j i32) (local $xv v128) (local $v f32) (local $wrow i32) (local $o i32) (local $end i32)
    (local.set $r (i32.const 0))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 2))))
      (memory.copy (local.get $o) (local.get $b) (i32.shl (local.get $m) (i32.const 2)))
      (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $i (local.get $x))
      (block $scanDone (loop $scan
        (br_if $scanDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $xv (v128.load (local.get $i)))
        (if (v128.any_true (local.get $xv)) (then
          (local.set $k (i32.const 0))
          (loop $lanes
            (local.set $v (f32.load (i32.add (local.get $i) (i32.shl (local.get $k) (i32.const 2)))))
            (if (f32.ne (local.get $v) (f32.const 0)) (then
              ;; row of W for input (i - x) / 4 + k
              (local.set $wrow (i32.add (local.get $w) (i32.shl (i32.mul (i32.add (i32.shr_u (i32.sub (local.get $i) (local.get $x)) (i32.const 2)) (local.get $k)) (local.get $m)) (i32.const 2))))
              (local.set $j (i32.const 0))
              (loop $cols
                (v128.store (i32.add (local.get $o) (local.get $j))
                  (f32x4.add (v128.load (i32.add (local.get $o) (local.get $j)))
                    (f32x4.mul (f32x4.splat (local.get $v)) (v128.load (i32.add (local.get $wrow) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br_if $cols (i32.lt_u (local.get $j) (i32.shl (local.get $m) (i32.const 2)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $lanes (i32.lt_u (local.get $k) (i32.const 4))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $scan)))
      (local.set $x (local.get $end))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; sparse_forward for m <= 32 outputs, one row at a time with the outputs in eight registers (no
  ;; load and store of out per non-zero input). Each output is the same sum in the same order as in
  ;; sparse_forward (bias, then + x[i] W[i][j] for the non-zero x[i] in increasing i, float32), so
  ;; the two agree bit for bit. Registers past m are loaded from the memory after b (in bounds: out
  ;; follows b) but neither summed nor stored.
  (func (export "sparse_forward_narrow") (param $x i32) (param $rows i32) (param $n i32) (param $w i32) (param $b i32) (param $m i32) (param $out i32)
    (local $r i32) (local $i i32) (local $k i32) (local $idx i32) (local $o i32) (local $end i32) (local $wrow i32) (local $rowBytes i32)
    (local $xv v128) (local $v f32) (local $vs v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $rowBytes (i32.shl (local.get $m) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $o (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $a0 (v128.load offset=0 (local.get $b)))
      (local.set $a1 (v128.load offset=16 (local.get $b)))
      (local.set $a2 (v128.load offset=32 (local.get $b)))
      (local.set $a3 (v128.load offset=48 (local.get $b)))
      (local.set $a4 (v128.load offset=64 (local.get $b)))
      (local.set $a5 (v128.load offset=80 (local.get $b)))
      (local.set $a6 (v128.load offset=96 (local.get $b)))
      (local.set $a7 (v128.load offset=112 (local.get $b)))
      (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $i (local.get $x))
      (local.set $idx (i32.const 0))
      (block $scanDone (loop $scan
        (br_if $scanDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $xv (v128.load (local.get $i)))
        (if (v128.any_true (local.get $xv)) (then
          (local.set $k (i32.const 0))
          (loop $lanes
            (local.set $v (f32.load (i32.add (local.get $i) (i32.shl (local.get $k) (i32.const 2)))))
            (if (f32.ne (local.get $v) (f32.const 0)) (then
                (local.set $wrow (i32.add (local.get $w) (i32.mul (i32.add (local.get $idx) (local.get $k)) (local.get $rowBytes))))
                (local.set $vs (f32x4.splat (local.get $v)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $vs) (v128.load offset=0 (local.get $wrow)))))
                (if (i32.gt_u (local.get $m) (i32.const 4)) (then (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $vs) (v128.load offset=16 (local.get $wrow)))))))
                (if (i32.gt_u (local.get $m) (i32.const 8)) (then (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $vs) (v128.load offset=32 (local.get $wrow)))))))
                (if (i32.gt_u (local.get $m) (i32.const 12)) (then (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $vs) (v128.load offset=48 (local.get $wrow)))))))
                (if (i32.gt_u (local.get $m) (i32.const 16)) (then (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $vs) (v128.load offset=64 (local.get $wrow)))))))
                (if (i32.gt_u (local.get $m) (i32.const 20)) (then (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $vs) (v128.load offset=80 (local.get $wrow)))))))
                (if (i32.gt_u (local.get $m) (i32.const 24)) (then (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $vs) (v128.load offset=96 (local.get $wrow)))))))
                (if (i32.gt_u (local.get $m) (i32.const 28)) (then (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $vs) (v128.load offset=112 (local.get $wrow)))))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $lanes (i32.lt_u (local.get $k) (i32.const 4))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (br $scan)))
      (v128.store offset=0 (local.get $o) (local.get $a0))
      (if (i32.gt_u (local.get $m) (i32.const 4)) (then (v128.store offset=16 (local.get $o) (local.get $a1))))
      (if (i32.gt_u (local.get $m) (i32.const 8)) (then (v128.store offset=32 (local.get $o) (local.get $a2))))
      (if (i32.gt_u (local.get $m) (i32.const 12)) (then (v128.store offset=48 (local.get $o) (local.get $a3))))
      (if (i32.gt_u (local.get $m) (i32.const 16)) (then (v128.store offset=64 (local.get $o) (local.get $a4))))
      (if (i32.gt_u (local.get $m) (i32.const 20)) (then (v128.store offset=80 (local.get $o) (local.get $a5))))
      (if (i32.gt_u (local.get $m) (i32.const 24)) (then (v128.store offset=96 (local.get $o) (local.get $a6))))
      (if (i32.gt_u (local.get $m) (i32.const 28)) (then (v128.store offset=112 (local.get $o) (local.get $a7))))
      (local.set $x (local.get $end))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; The sparse first layer's weight gradient, added into dw [n][m]: dw[i][j] += x[r][i] dz[r][j] for
  ;; the non-zero x[r][i] of each of the `rows` rows (layouts as in sparse_forward; dz is [rows][m]).
  (func (export "sparse_weight_grad") (param $x i32) (param $rows i32) (param $n i32) (param $dz i32) (param $m i32) (param $dw i32)
    (local $r i32) (local $i i32) (local $k i32) (local $j i32) (local $xv v128) (local $v f32) (local $wrow i32) (local $d i32) (local $end i32)
    (local.set $r (i32.const 0))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $d (i32.add (local.get $dz) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 2))))
      (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $i (local.get $x))
      (block $scanDone (loop $scan
        (br_if $scanDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $xv (v128.load (local.get $i)))
        (if (v128.any_true (local.get $xv)) (then
          (local.set $k (i32.const 0))
          (loop $lanes
            (local.set $v (f32.load (i32.add (local.get $i) (i32.shl (local.get $k) (i32.const 2)))))
            (if (f32.ne (local.get $v) (f32.const 0)) (then
              (local.set $wrow (i32.add (local.get $dw) (i32.shl (i32.mul (i32.add (i32.shr_u (i32.sub (local.get $i) (local.get $x)) (i32.const 2)) (local.get $k)) (local.get $m)) (i32.const 2))))
              (local.set $j (i32.const 0))
              (loop $cols
                (v128.store (i32.add (local.get $wrow) (local.get $j))
                  (f32x4.add (v128.load (i32.add (local.get $wrow) (local.get $j)))
                    (f32x4.mul (f32x4.splat (local.get $v)) (v128.load (i32.add (local.get $d) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br_if $cols (i32.lt_u (local.get $j) (i32.shl (local.get $m) (i32.const 2)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $lanes (i32.lt_u (local.get $k) (i32.const 4))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $scan)))
      (local.set $x (local.get $end))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))
)
