# thermo figure 'sweep': re-render with `gnuplot fig5-sampling.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /tmp/bg2/thermo plot sweep /work/main/runs/fig5-sampling/sweep -o /work/main/plots/fig5-sampling.png --force
# in /work/main
# inputs: /work/main/runs/fig5-sampling/sweep/cells/cell-0000-samples=4,radius=0.001/summary.json, /work/main/runs/fig5-sampling/sweep/cells/cell-0001-samples=4,radius=0.01/summary.json, /work/main/runs/fig5-sampling/sweep/cells/cell-0002-samples=4,radius=0.1/summary.json, /work/main/runs/fig5-sampling/sweep/cells/cell-0003-samples=8,radius=0.001/summary.json, /work/main/runs/fig5-sampling/sweep/cells/cell-0004-samples=8,radius=0.01/summary.json, /work/main/runs/fig5-sampling/sweep/cells/cell-0005-samples=8,radius=0.1/summary.json
reset session
set encoding utf8
set terminal pngcairo enhanced color size 2008,862 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './fig5-sampling.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot

set origin 0,0.097312
set size 0.5,0.90269
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'PLA: best test accuracy'
set xlabel 'radius R'
set logscale x 10
set format x '10^{%T}'
set xrange [0.0007943282347242814:0.12589254117941673]
set ylabel 'test accuracy (%)'
set format y '% h'
unset key
plot './fig5-sampling.pla.dat' index 0 using 1:3 with linespoints lw 1.5 lc rgb '#009E73' dt 1 pt 7 ps 0.6 notitle, \
     './fig5-sampling.pla.dat' index 0 using 1:3:4 with yerrorbars lw 1.5 lc rgb '#009E73' dt 1 pt 7 ps 0.6 notitle, \
     './fig5-sampling.pla.dat' index 1 using 1:3 with linespoints lw 1.5 lc rgb '#66C5AB' dt 1 pt 6 ps 0.6 notitle, \
     './fig5-sampling.pla.dat' index 1 using 1:3:4 with yerrorbars lw 1.5 lc rgb '#66C5AB' dt 1 pt 6 ps 0.6 notitle

set origin 0.5,0.097312
set size 0.5,0.90269
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'PLA: final test accuracy'
set xlabel 'radius R'
set logscale x 10
set format x '10^{%T}'
set xrange [0.0007943282347242814:0.12589254117941673]
set format y '% h'
unset key
plot './fig5-sampling.pla.dat' index 0 using 1:5 with linespoints lw 1.5 lc rgb '#009E73' dt 1 pt 7 ps 0.6 notitle, \
     './fig5-sampling.pla.dat' index 0 using 1:5:6 with yerrorbars lw 1.5 lc rgb '#009E73' dt 1 pt 7 ps 0.6 notitle, \
     './fig5-sampling.pla.dat' index 1 using 1:5 with linespoints lw 1.5 lc rgb '#66C5AB' dt 1 pt 6 ps 0.6 notitle, \
     './fig5-sampling.pla.dat' index 1 using 1:5:6 with yerrorbars lw 1.5 lc rgb '#66C5AB' dt 1 pt 6 ps 0.6 notitle

# The key shared by all panels: one empty, invisible full-size plot per key column (full size, so that
# gnuplot never wraps a column for lack of height).
set origin 0,0
set size 1,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
unset border; unset tics; unset grid; set xrange [0:1]; set yrange [0:1]
set key at screen 0.25294, screen 0.083613 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#009E73' dt 1 pt 7 ps 0.6 title 'U = \{2\}, y = 4'
set key at screen 0.5, screen 0.083613 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#66C5AB' dt 1 pt 6 ps 0.6 title 'U = \{2\}, y = 8'
set border 3; set tics; set grid
unset multiplot
unset output
