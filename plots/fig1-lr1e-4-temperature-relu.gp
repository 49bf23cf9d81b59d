# thermo figure 'temperature': re-render with `gnuplot fig1-lr1e-4-temperature-relu.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /work/main/.build/release/thermo plot temperature /work/runs/fig1-lr1e-4/relu.h5 -o /work/main/plots/fig1-lr1e-4-temperature-relu.png --force
# in /work/main
# inputs: /work/runs/fig1-lr1e-4/relu.h5
reset session
set encoding utf8
set terminal pngcairo enhanced color size 1890,1630 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './fig1-lr1e-4-temperature-relu.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot

set origin 0,0.54242
set size 0.5,0.45758
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'layer 1'
set xlabel 'epoch'
set format x '% h'
set ylabel 'temperature'
set logscale y 10
set format y '10^{%T}'
set yrange [1.18306e-10:0.00229498]
unset key
plot './fig1-lr1e-4-temperature-relu.layer-1.dat' using 1:3:4 with filledcurves fc rgb '#0072B2' fs transparent solid 0.14 noborder notitle, \
     './fig1-lr1e-4-temperature-relu.layer-1.dat' using 1:5:6 with filledcurves fc rgb '#0072B2' fs transparent solid 0.26 noborder notitle, \
     './fig1-lr1e-4-temperature-relu.layer-1.dat' using 1:7 with lines lw 1 lc rgb '#0072B2' dt 2 notitle, \
     './fig1-lr1e-4-temperature-relu.layer-1.dat' using 1:2 with linespoints lw 1.6 lc rgb '#0072B2' pt 7 ps 0.5 pi 15 title 'T_l = σ_l^2'

set origin 0.5,0.54242
set size 0.5,0.45758
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'layer 2'
set xlabel 'epoch'
set format x '% h'
set logscale y 10
set format y '10^{%T}'
set yrange [1.18306e-10:0.00229498]
unset key
plot './fig1-lr1e-4-temperature-relu.layer-2.dat' using 1:3:4 with filledcurves fc rgb '#D55E00' fs transparent solid 0.14 noborder notitle, \
     './fig1-lr1e-4-temperature-relu.layer-2.dat' using 1:5:6 with filledcurves fc rgb '#D55E00' fs transparent solid 0.26 noborder notitle, \
     './fig1-lr1e-4-temperature-relu.layer-2.dat' using 1:7 with lines lw 1 lc rgb '#D55E00' dt 2 notitle, \
     './fig1-lr1e-4-temperature-relu.layer-2.dat' using 1:2 with linespoints lw 1.6 lc rgb '#D55E00' pt 5 ps 0.5 pi 15 title 'T_l = σ_l^2'

set origin 0,0.084837
set size 0.5,0.45758
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'layer 3'
set xlabel 'epoch'
set format x '% h'
set ylabel 'temperature'
set logscale y 10
set format y '10^{%T}'
set yrange [1.18306e-10:0.00229498]
unset key
plot './fig1-lr1e-4-temperature-relu.layer-3.dat' using 1:3:4 with filledcurves fc rgb '#009E73' fs transparent solid 0.14 noborder notitle, \
     './fig1-lr1e-4-temperature-relu.layer-3.dat' using 1:5:6 with filledcurves fc rgb '#009E73' fs transparent solid 0.26 noborder notitle, \
     './fig1-lr1e-4-temperature-relu.layer-3.dat' using 1:7 with lines lw 1 lc rgb '#009E73' dt 2 notitle, \
     './fig1-lr1e-4-temperature-relu.layer-3.dat' using 1:2 with linespoints lw 1.6 lc rgb '#009E73' pt 9 ps 0.5 pi 15 title 'T_l = σ_l^2'

set origin 0.5,0.084837
set size 0.5,0.45758
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'layer 4'
set xlabel 'epoch'
set format x '% h'
set logscale y 10
set format y '10^{%T}'
set yrange [1.18306e-10:0.00229498]
unset key
plot './fig1-lr1e-4-temperature-relu.layer-4.dat' using 1:3:4 with filledcurves fc rgb '#CC79A7' fs transparent solid 0.14 noborder notitle, \
     './fig1-lr1e-4-temperature-relu.layer-4.dat' using 1:5:6 with filledcurves fc rgb '#CC79A7' fs transparent solid 0.26 noborder notitle, \
     './fig1-lr1e-4-temperature-relu.layer-4.dat' using 1:7 with lines lw 1 lc rgb '#CC79A7' dt 2 notitle, \
     './fig1-lr1e-4-temperature-relu.layer-4.dat' using 1:2 with linespoints lw 1.6 lc rgb '#CC79A7' pt 13 ps 0.5 pi 15 title 'T_l = σ_l^2'

# The key shared by all panels: one empty, invisible full-size plot per key column (full size, so that
# gnuplot never wraps a column for lack of height).
set origin 0,0
set size 1,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
unset border; unset tics; unset grid; set xrange [0:1]; set yrange [0:1]
set key at screen 0.04, screen 0.077591 left top vertical maxrows 2 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.6 lc rgb '#444444' pt 7 ps 0.5 title 'layer temperature T_l = σ_l^2', \
     NaN with lines lw 1 lc rgb '#444444' dt 2 title 'per-weight v_ω, median'
set key at screen 0.34667, screen 0.077591 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with filledcurves fc rgb '#444444' fs transparent solid 0.14 noborder title 'per-weight v_ω, 5–95%'
set key at screen 0.65333, screen 0.077591 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with filledcurves fc rgb '#444444' fs transparent solid 0.26 noborder title 'per-weight v_ω, 25–75%'
set border 3; set tics; set grid
unset multiplot
unset output
