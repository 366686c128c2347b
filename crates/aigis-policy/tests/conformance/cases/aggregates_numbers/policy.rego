package conf.numbers
import rego.v1
c := count(input.xs)
s := sum(input.xs)
p := product(input.xs)
mx := max(input.xs)
mn := min(input.xs)
mx_s := max(input.s)
sorted := sort(input.xs)
absolute := abs(-3.5)
rnd := [round(2.5), round(-2.5), round(1.4999)]
cl := [ceil(1.2), floor(1.8), ceil(-1.2), floor(-1.8)]
division := [7 / 2, 8 / 2, 10 % 3, -7 % 3]
arith := (input.big * 3) + 1
rng := numbers.range(1, 5)
rng_desc := numbers.range(3, 1)
rng_step := numbers.range_step(0, 10, 3)
bitops := [bits.and(12, 10), bits.or(12, 10), bits.xor(12, 10), bits.lsh(1, 4), bits.rsh(256, 2), bits.negate(5)]
unit_vals := [units.parse("10K"), units.parse("1.5Mi"), units.parse_bytes("2GiB"), units.parse("200m")]
big_div := 1 / 3
