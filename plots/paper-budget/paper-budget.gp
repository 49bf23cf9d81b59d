# The paper-budget study, part 1 (10000 training images, lr 0.0001): written by paper-budget-table.py
set terminal pngcairo size 1400,560 font 'Liberation Sans,12'
set output 'paper-budget-accuracy.png'
set multiplot layout 1,2 title 'Test accuracy at the epoch of best validation accuracy (mean ± sd over seeds); band: cross-entropy'
set logscale x; set xlabel 'R'; set ylabel 'test accuracy (%)'; set grid; set key bottom left
set style fill transparent solid 0.2 noborder
ce = 91.7567; cesd = 0.0702
set title 'PLA'
plot [0.002:0.15] '+' using 1:(ce-cesd):(ce+cesd) with filledcurves lc rgb '#999999' title 'CE ± sd', ce lc rgb '#555555' dt 2 notitle, \
     'paper-budget.pla.U1.dat' using 1:2:3 with yerrorlines lw 2 pt 7 lc rgb '#D55E00' title 'U = \{1\}', \
     'paper-budget.pla.U1+2.dat' using 1:2:3 with yerrorlines lw 2 pt 13 lc rgb '#E69F00' title 'U = \{1,2\}', \
     'paper-budget.pla.U2.dat' using 1:2:3 with yerrorlines lw 2 pt 5 lc rgb '#009E73' title 'U = \{2\}'
set title 'PLEA'
plot [0.002:0.15] '+' using 1:(ce-cesd):(ce+cesd) with filledcurves lc rgb '#999999' title 'CE ± sd', ce lc rgb '#555555' dt 2 notitle, \
     'paper-budget.plea.U2.dat' using 1:2:3 with yerrorlines lw 2 pt 5 lc rgb '#009E73' title 'U = \{2\}'
unset multiplot
set terminal pngcairo size 900,560 font 'Liberation Sans,12'
set output 'paper-budget-paired.png'
set title 'Paired difference to cross-entropy (same seed): test accuracy at best validation'
set ylabel 'Δ accuracy (points)'; set key bottom left
plot [0.002:0.15] 0 lc rgb '#555555' dt 2 notitle, \
     'paper-budget.pla.U1.dat' using 1:6:7 with yerrorlines lw 2 pt 7 dt 1 lc rgb '#D55E00' title 'PLA U = \{1\}', \
     'paper-budget.pla.U1+2.dat' using 1:6:7 with yerrorlines lw 2 pt 13 dt 1 lc rgb '#E69F00' title 'PLA U = \{1,2\}', \
     'paper-budget.pla.U2.dat' using 1:6:7 with yerrorlines lw 2 pt 5 dt 1 lc rgb '#009E73' title 'PLA U = \{2\}', \
     'paper-budget.plea.U2.dat' using 1:6:7 with yerrorlines lw 2 pt 4 dt 2 lc rgb '#009E73' title 'PLEA U = \{2\}'
